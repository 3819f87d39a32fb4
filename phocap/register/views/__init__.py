"""The register's pages. Thin views: scope, services and the engine do the work."""
