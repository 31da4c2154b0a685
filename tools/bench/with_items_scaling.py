"""How a with-items task's time grows with its item count (issue: linear).

Runs one ``with-items`` task over N ``std.echo`` items through the real engine,
scheduler and local executor (in one process, in-process messaging) on a fresh
database, for several N, and prints the time per item for each. Linear growth
shows as a flat time per item.

    python tools/bench/with_items_scaling.py [--backend postgresql] \\
        [--sizes 1000,2000,5000,10000] [--concurrency 0]
"""

import argparse
import json
import logging
import sys
import time

import fixtures

from wfplatform.tests.fixtures import engine as engine_fixtures

DEFINITION = """
version: '2.0'
many:
  input:
    - count
    - concurrency: 0
  tasks:
    each:
      with-items: i in <% range($.count) %>
      concurrency: <% $.concurrency %>
      action: std.echo output=<% $.i %>
      publish:
        total: <% task().result.sum() %>
  output:
    total: <% $.total %>
"""


def measure(backend: str, size: int, concurrency: int) -> dict:
    with fixtures.Fixture() as holder:
        engine = holder.useFixture(engine_fixtures.EngineFixture(backend))
        engine.define(DEFINITION)
        began = time.perf_counter()
        started = engine.start('many', {'count': size,
                                        'concurrency': concurrency})
        done = engine.wait_finished(started['id'], timeout=1800)
        elapsed = time.perf_counter() - began
    expected = size * (size - 1) // 2
    if done['state'] != 'SUCCESS' or done['output'] != {'total': expected}:
        raise SystemExit(f'{size} items: {done["state"]} {done["state_info"]}')
    return {'items': size, 'seconds': round(elapsed, 2),
            'ms_per_item': round(1000 * elapsed / size, 3),
            'items_per_second': round(size / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--backend', default='postgresql',
                        choices=('sqlite', 'postgresql', 'mysql'))
    parser.add_argument('--sizes', default='1000,2000,5000,10000')
    parser.add_argument('--concurrency', type=int, default=0,
                        help='0: every item at once')
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    rows = [measure(args.backend, int(size), args.concurrency)
            for size in args.sizes.split(',')]
    print('| items | seconds | ms/item | items/s |')
    print('|------:|--------:|--------:|--------:|')
    for row in rows:
        print(f"| {row['items']} | {row['seconds']} | {row['ms_per_item']} | "
              f"{row['items_per_second']} |")
    json.dump({'backend': args.backend, 'concurrency': args.concurrency,
               'results': rows}, sys.stderr)
    print(file=sys.stderr)


if __name__ == '__main__':
    main()
