"""The request context: who is asking, on behalf of which project.

It travels with every RPC message (as a dictionary) so the engine and executors act
as the caller. With authentication off every request belongs to
``config.DEFAULT_PROJECT_ID``, as in Mistral.
"""

from typing import Any

from oslo_context import context as oslo_context

from wfplatform import config


class RequestContext(oslo_context.RequestContext):
    """oslo.context's request context, plus what workflows need of the caller."""

    def __init__(self, service_catalog: Any = None, region_name: str | None = None,
                 **kwargs: Any) -> None:
        kwargs.setdefault('overwrite', False)
        super().__init__(**kwargs)
        self.service_catalog = service_catalog
        self.region_name = region_name

    def to_dict(self) -> dict[str, Any]:
        values = super().to_dict()
        values['service_catalog'] = self.service_catalog
        values['region_name'] = self.region_name
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any], **kwargs: Any) -> 'RequestContext':
        kwargs.setdefault('service_catalog', values.get('service_catalog'))
        kwargs.setdefault('region_name', values.get('region_name'))
        return super().from_dict(values, **kwargs)


def anonymous_admin() -> RequestContext:
    """The context of a request when authentication is off."""
    return RequestContext(project_id=config.DEFAULT_PROJECT_ID,
                          user_id='<default-user>', is_admin=True,
                          roles=['admin', 'member', 'reader'])
