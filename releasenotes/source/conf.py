# Sphinx configuration of the wfplatform release notes (tox -e releasenotes).
#
# reno reads the notes from releasenotes/notes in the git history; the build must
# stay warning-free, since tox runs it with -W.

extensions = [
    'reno.sphinxext',
]

project = 'wfplatform Release Notes'
copyright = 'The wfplatform developers'
author = 'The wfplatform developers'

master_doc = 'index'
source_suffix = {'.rst': 'restructuredtext'}
exclude_patterns = ['_build']

# The same theme as the documentation (doc/source/conf.py says why not
# openstackdocstheme).
html_theme = 'alabaster'
html_theme_options = {
    'description': 'What changed in each release',
    'fixed_sidebar': True,
    'show_relbars': True,
}
html_title = 'wfplatform release notes'

htmlhelp_basename = 'wfplatformReleaseNotesdoc'
