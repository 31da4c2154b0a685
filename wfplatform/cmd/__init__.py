"""Console scripts.

oslo.messaging still imports eventlet, which warns at import that it is
deprecated. wfplatform never uses eventlet (threads only), so the warning tells an
operator nothing; it is silenced here, before any script imports oslo.messaging,
so that a script's output is only what the script has to say.
"""

import warnings

warnings.filterwarnings('ignore', message='\\s*Eventlet is deprecated')
