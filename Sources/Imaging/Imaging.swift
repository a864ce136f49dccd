// Replaced by the Imaging issue's work.
