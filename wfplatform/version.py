"""The package's version, read from its installed metadata by pbr."""

import pbr.version

version_info = pbr.version.VersionInfo('wfplatform')


def version_string() -> str:
    return version_info.version_string()
