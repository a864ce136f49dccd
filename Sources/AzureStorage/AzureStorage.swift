// Replaced by the AzureStorage issue's work.
