"""Uploads a workflow, runs it through the REST API and prints its output.

Only the standard library: it works in any Python, against any wfplatform (or
Mistral) API without authentication. Usage: run_sample.py URL WORKFLOW.yaml [JSON]
"""

import json
import sys
import time
import urllib.error
import urllib.request


def request(method, url, body=None, content_type='application/json'):
    data = body if isinstance(body, bytes) or body is None else \
        json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={'Content-Type': content_type})
    with urllib.request.urlopen(req, timeout=30) as response:
        return json.loads(response.read() or b'null')


def upload(base, definition):
    try:
        return request('POST', f'{base}/workflows', definition, 'text/plain')
    except urllib.error.HTTPError as error:
        if error.code != 409:
            raise
        return request('PUT', f'{base}/workflows', definition, 'text/plain')


def main(base, path, workflow_input='{}'):
    with open(path, 'rb') as definition:
        workflow = upload(base, definition.read())['workflows'][0]
    execution = request('POST', f'{base}/executions', {
        'workflow_name': workflow['name'], 'input': json.loads(workflow_input)})
    deadline = time.monotonic() + 60
    while execution['state'] in ('IDLE', 'RUNNING'):
        if time.monotonic() > deadline:
            sys.exit(f'execution {execution["id"]} still running after 60 s')
        time.sleep(0.05)
        execution = request('GET', f'{base}/executions/{execution["id"]}')
    print(f'Execution {execution["id"]} of {workflow["name"]}: {execution["state"]}')
    if execution['state'] != 'SUCCESS':
        sys.exit(f'state_info: {execution["state_info"]}')
    print(json.dumps(json.loads(execution['output']), indent=2))


if __name__ == '__main__':
    main(*sys.argv[1:])
