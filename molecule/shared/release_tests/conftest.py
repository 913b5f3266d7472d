import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

from lab_fixtures import group_hosts, inventory, lab, project_dir  # noqa: E402,F401 pylint: disable=unused-import
