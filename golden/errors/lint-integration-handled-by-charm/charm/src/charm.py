#!/usr/bin/env python3
"""The charm: paas-charm's Flask charm, plus the endpoints it handles itself."""

import ops
import paas_charm.flask
from charms.nginx_ingress_integrator.v0.nginx_route import require_nginx_route


class MyFlaskAppCharm(paas_charm.flask.Charm):
    def __init__(self, *args):
        super().__init__(*args)
        require_nginx_route(charm=self, service_hostname="app", service_name="app", service_port=8000)
        self.framework.observe(self.on.amqp_relation_changed, self._on_amqp_changed)

    def _on_amqp_changed(self, event: ops.RelationChangedEvent) -> None:
        self.restart()


if __name__ == "__main__":
    ops.main(MyFlaskAppCharm)
