"""The ethics committee: its log, the monthly pack (data and HTML page) and the service that assembles it."""
