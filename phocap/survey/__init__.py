"""The survey record: schema, readers, validation and Vietnamese text normalisation."""
