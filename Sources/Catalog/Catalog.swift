// Replaced by the Catalog issue's work.
