import hashlib
import subprocess
import sys

from twin.population import Members

SCRIPT = """
import hashlib
from twin.population import Members, PopulationParams, build_province
province = build_province(PopulationParams(scale={scale}), {seed})
digest = hashlib.sha256()
for name in Members.columns():
    digest.update(getattr(province.members, name).tobytes())
identity = province.member_identity(4321)
print(digest.hexdigest(), identity.name, identity.id_number)
"""


def _fingerprint(province):
    digest = hashlib.sha256()
    for name in Members.columns():
        digest.update(getattr(province.members, name).tobytes())
    identity = province.member_identity(4321)
    return f"{digest.hexdigest()} {identity.name} {identity.id_number}"


def test_same_arrays_in_another_process(small_province, small_params):
    code = SCRIPT.format(scale=small_params.scale, seed=small_province.seed)
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == _fingerprint(small_province)
