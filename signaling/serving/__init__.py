"""Running the server on a county network: HTTPS with its certificate kept current, plain HTTP
that only redirects, the process's start and stop, and the figures a monitoring system scrapes."""
