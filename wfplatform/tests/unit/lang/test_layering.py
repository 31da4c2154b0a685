"""lang and expressions stay pure: they load no service layer and no oslo.config."""

import subprocess
import sys

import testtools

FORBIDDEN = ('wfplatform.db', 'wfplatform.rpc', 'wfplatform.api', 'wfplatform.engine',
             'oslo_config')


class LayeringTest(testtools.TestCase):

    def test_no_forbidden_imports(self):
        script = ('import sys, wfplatform.lang, wfplatform.expressions; '
                  'print("\\n".join(sys.modules))')
        loaded = subprocess.run([sys.executable, '-c', script], check=True,
                                capture_output=True, text=True).stdout.split()
        offending = [name for name in loaded
                     if any(name == prefix or name.startswith(prefix + '.')
                            for prefix in FORBIDDEN)]
        self.assertEqual([], offending)
