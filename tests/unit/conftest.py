"""Unit tests import the product as ``ansible_collections.hyperv.cluster``: install the collection finder
(see collection_path.py) before any test module is collected."""

import collection_path

collection_path.install()
