"""Console scripts answer bad configuration with one line, never a traceback."""

import os
import subprocess
import sys

import fixtures
import testtools


class BadConfigurationTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.tempdir = self.useFixture(fixtures.TempDir()).path

    def _run(self, module, *args):
        result = subprocess.run([sys.executable, '-m', module, *args],
                                capture_output=True, text=True, timeout=60,
                                cwd=self.tempdir)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        return result.returncode, lines

    def _broken_file(self):
        path = os.path.join(self.tempdir, 'broken.conf')
        with open(path, 'w') as broken:
            broken.write('[DEFAULT\nhost = x\n')
        return path

    def test_server_names_a_missing_config_file(self):
        code, lines = self._run('wfplatform.cmd.server', '--config-file',
                                '/nonexistent/wfplatform.conf')
        self.assertEqual(2, code)
        self.assertEqual(['wfplatform-server: Failed to find some config files: '
                          '/nonexistent/wfplatform.conf'], lines)

    def test_server_names_the_line_of_an_unreadable_config_file(self):
        code, lines = self._run('wfplatform.cmd.server', '--config-file',
                                self._broken_file())
        self.assertEqual(2, code)
        self.assertEqual(1, len(lines), lines)
        self.assertIn('broken.conf:1, Invalid section', lines[0])

    def test_server_names_an_invalid_option_value(self):
        path = os.path.join(self.tempdir, 'sideways.conf')
        with open(path, 'w') as conf:
            conf.write('[executor]\ntype = sideways\n')
        code, lines = self._run('wfplatform.cmd.server', '--config-file', path)
        self.assertEqual(2, code)
        self.assertEqual(1, len(lines), lines)
        self.assertIn("Valid values are [local, remote], but found 'sideways'",
                      lines[0])

    def test_db_manage_names_a_missing_config_file(self):
        code, lines = self._run('wfplatform.cmd.db_manage', '--config-file',
                                '/nonexistent/wfplatform.conf', 'current')
        self.assertEqual(1, code)
        self.assertEqual(['wfplatform-db-manage: error: Failed to find some config '
                          'files: /nonexistent/wfplatform.conf'], lines)
