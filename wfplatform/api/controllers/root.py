"""``GET /``: the API versions, as Mistral lists them."""

from typing import Any

import pecan

from wfplatform.api.controllers.v2 import root as v2_root


class RootController:
    v2 = v2_root.V2Controller()

    @pecan.expose(generic=True, template='json')
    def index(self) -> None:
        pecan.abort(405)

    @index.when(method='GET', template='json')
    def index_get(self) -> dict[str, Any]:
        return {'versions': [{
            'id': 'v2.0',
            'status': 'CURRENT',
            'links': [{'href': f'{pecan.request.application_url}/v2',
                       'target': 'v2', 'rel': 'self'}],
        }]}
