"""The query service: SPARQL 1.1 Protocol endpoint, REST API, pages and descriptions, served by uvicorn.

Modules, by what they hold:

- :mod:`~baclokg.service.app`: the ASGI application and its routes (``create_app``);
- :mod:`~baclokg.service.sparql`: the SPARQL 1.1 Protocol endpoint at ``/sparql``;
- :mod:`~baclokg.service.rest`: the REST API over the named queries (``/api``);
- :mod:`~baclokg.service.evaluation`: the handler the query workers run;
- :mod:`~baclokg.service.pool`: worker processes with time limits (knows nothing of queries);
- :mod:`~baclokg.service.messages`: the requests and answers that cross to the workers;
- :mod:`~baclokg.service.cache`: the answer caches;
- :mod:`~baclokg.service.negotiation`: content negotiation over the format table;
- :mod:`~baclokg.service.http_limits`: limits on the HTTP/1.1 request head;
- :mod:`~baclokg.service.settings`: the limits and switches of ``baclokg serve``;
- :mod:`~baclokg.service.openapi`: the OpenAPI description of the whole service;
- :mod:`~baclokg.service.description`: the SPARQL Service Description and the VoID description;
- :mod:`~baclokg.service.pages`: the HTML pages; ``static/``: their script and style.
"""

from __future__ import annotations

from .app import CONFIG_VARIABLE, app_from_environment, create_app, query_pool
from .http_limits import protocol_class
from .settings import Settings

__all__ = [
    "CONFIG_VARIABLE",
    "Settings",
    "app_from_environment",
    "create_app",
    "protocol_class",
    "query_pool",
]
