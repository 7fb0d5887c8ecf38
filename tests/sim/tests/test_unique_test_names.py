"""tests/unit and tests/sim/tests run in one pytest session without packages, so a test file name used in both makes
the session fail to collect ('import file mismatch'). Catch it here, with the names, instead."""

import os

TESTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_no_test_file_name_is_used_twice_in_the_unit_session():
    names = {}
    for folder in ('unit', os.path.join('sim', 'tests')):
        for name in os.listdir(os.path.join(TESTS, folder)):
            if name.startswith('test_') and name.endswith('.py'):
                names.setdefault(name, []).append(folder)
    assert {name: folders for name, folders in names.items() if len(folders) > 1} == {}
