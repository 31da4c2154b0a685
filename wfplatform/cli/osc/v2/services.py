"""``openstack wfp service list``: the wfplatform processes alive now."""

import argparse
from typing import Any

from wfplatform.cli.osc import base


class ListServices(base.Table):
    """List the running services (needs [coordination] backend_url)."""

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[base.Row, Any]:
        return base.table(self.client.get('/services')['services'],
                          ('name', 'type'))
