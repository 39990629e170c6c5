"""The API's routes, one module per area (meta, normalize, cells, estimate, charts,
submissions, admin) and the web page."""
