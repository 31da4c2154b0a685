"""``GET /v2/openapi.json``: the API's OpenAPI description, as JSON.

The document and how it is kept are described in :mod:`wfplatform.api.openapi`.
"""

import pecan

from wfplatform.api import openapi


class OpenAPIController:

    @pecan.expose(generic=True, content_type='application/json')
    def index(self) -> None:
        pecan.abort(405)

    @index.when(method='GET', content_type='application/json')
    def index_get(self) -> str:
        return openapi.as_json()
