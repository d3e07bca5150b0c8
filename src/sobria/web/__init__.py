"""The web dashboard (``sobria serve``): server-rendered pages over the services, privacy in the query layer."""
