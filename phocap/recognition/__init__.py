"""Recognition: dossiers, their review and the decisions (TT07 Art 9, ND20 Art 31)."""
