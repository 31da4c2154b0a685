"""``wfplatform-server``: run one, several or all services in this process."""

import sys

from oslo_config import cfg
from oslo_log import log as logging

from wfplatform import config
from wfplatform import exceptions
from wfplatform import launcher

server_opt = cfg.ListOpt(
    'server', default=['all'],
    help='Services to run in this process: api, engine, executor, notifier, '
         'or all.')


def main(argv: list[str] | None = None) -> int:
    conf = cfg.CONF
    conf.register_cli_opt(server_opt)
    try:
        config.parse_args(sys.argv[1:] if argv is None else argv, conf)
        logging.setup(conf, 'wfplatform')
        services = launcher.build(launcher.selected(conf.server, conf), conf,
                                  all_in_one='all' in conf.server)
    except (ValueError, exceptions.WfplatformError) as error:
        print(f'wfplatform-server: {error}', file=sys.stderr)
        return 2
    launcher.run(services)
    return 0


if __name__ == '__main__':
    sys.exit(main())
