# Sphinx configuration of the wfplatform documentation (tox -e docs).
#
# The build must stay warning-free: tox runs it with -W. It reads no module of
# wfplatform directly; the configuration reference comes from the options the
# installed package registers under the ``oslo.config.opts`` entry point.

import os

extensions = [
    'cliff.sphinxext',
    'oslo_config.sphinxext',
    'oslo_config.sphinxconfiggen',
]

# oslo_config.sphinxconfiggen: regenerate the sample file on every build, from the
# same generator configuration as ``tox -e genconfig``, as
# admin/wfplatform.conf.sample (git ignores it); admin/sample-config.rst shows it
# and offers it for download, so the docs never show a stale sample.
config_generator_config_file = [
    (os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'etc',
                  'wfplatform', 'wfplatform-config-generator.conf'),
     'admin/wfplatform'),
]

project = 'wfplatform'
copyright = 'The wfplatform developers'
author = 'The wfplatform developers'

master_doc = 'index'
source_suffix = {'.rst': 'restructuredtext'}
exclude_patterns = ['_build']
add_function_parentheses = True
add_module_names = True

# Sphinx's bundled alabaster theme. openstackdocstheme is docs.openstack.org's
# own theme: it brands every page as OpenStack's, loads docs.openstack.org's search
# widget and reports page views to OpenStack's analytics account, none of which
# fits a project published elsewhere; and the pages should work offline.
html_theme = 'alabaster'
html_theme_options = {
    'description': ('A durable, fast workflow service compatible with the '
                    'OpenStack Mistral v2 API'),
    'fixed_sidebar': True,
    'show_relbars': True,
}
html_title = 'wfplatform documentation'

htmlhelp_basename = 'wfplatformdoc'
