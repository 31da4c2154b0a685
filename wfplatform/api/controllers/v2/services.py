"""``/v2/services``: the service processes alive now, as Mistral lists them.

Each process is a member of its service's coordination group; the list is
``{"services": [{"name": <member id>, "type": "<service>_group"}]}``. Without
``[coordination] backend_url`` Mistral answers 500 "Service API is not
supported."; so does this.
"""

from typing import Any

import pecan
from pecan import rest

from wfplatform.coordination import coordinator as coordination


class ServicesController(rest.RestController):

    @pecan.expose('json')
    def get_all(self) -> dict[str, Any]:
        directory = pecan.request.service_directory
        if directory is None:
            raise coordination.CoordinationError('Service API is not supported.')
        return {'services': directory.services()}
