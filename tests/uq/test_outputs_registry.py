"""Every registered UQ output (catscale.uq.OUTPUTS): accepted by the schema, computed by a
chain on a model with the sections it needs, its columns finite and in the declared order,
and refused (with the field named) on a model without them."""

import typing

import numpy as np
import pytest

from catscale.errors import ModelFileError
from catscale.model import load_model
from catscale.model.sections.uncertainty import UncertaintySection
from catscale.uq import OUTPUTS, chain_function

SECTIONS = """
pellet: {shape: sphere, size: 1 mm, D_eff: 1.0e-6 m^2/s,
         kinetics: {order: 1, k: 10.0, reactant: CO, product: CO2}}
reactor: {type: pfr, volume: 1.0e-6, flow: 1.0e-3, bed_voidage: 0.4}
"""
UQ = """
uncertainty:
  outputs: [{out}]
  inputs:
    - {{name: ts, kind: epistemic, species: ["ts:1"], distribution: normal, sigma: 0.05}}
"""


def test_schema_choices_are_the_registry():
    # the uncertainty section (model layer, below uq) lists the registered names
    ann = UncertaintySection.model_fields["outputs"].annotation
    lit = [a for a in typing.get_args(ann) if a is not type(None)][0]
    assert set(typing.get_args(typing.get_args(lit)[0])) == set(OUTPUTS)


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_every_output_is_computed_with_its_sections(name, model_with):
    out = OUTPUTS[name]
    model = load_model(model_with(SECTIONS + UQ.format(out=name)))
    f, space = chain_function(model)
    cols = out.columns(f)
    assert f.output_names == cols and cols
    y = f({"ts": 0.02})
    assert list(y) == cols
    assert all(np.isfinite(v) for v in y.values())
    # every column has declared, pint-parsable units (results.nc and the report use them)
    import pint

    from catscale.uq import output_units

    for c in cols:
        pint.UnitRegistry().Quantity(1.0, output_units(c))
    if out.sections:
        bare = load_model(model_with(UQ.format(out=name), "bare.yaml"))
        with pytest.raises(ModelFileError) as e:
            chain_function(bare)
        assert e.value.field == "uncertainty.outputs" and out.sections[-1] in str(e.value)
