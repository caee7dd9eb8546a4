"""slugroute: a tiny web routing and URL toolkit.

Import the modules you need explicitly, e.g. ``import slugroute.routing``.
"""

__version__ = "0.4.0"
