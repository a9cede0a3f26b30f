"""Bad-input corpus: every malformed model file gives its specific message and exit code 2,
with file, line and field, and no traceback."""

import pathlib
import subprocess
import sys

import pytest

from catscale.errors import ModelFileErrors
from catscale.model import load_model, validate_file

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "bad_models"

# file -> (field path of the first error, substring of its message, line or None)
EXPECTED = {
    "negative_temperature.yaml": ("conditions.T", "temperature > 0", 4),
    "zero_temperature.yaml": ("conditions.T", "temperature > 0", 4),
    "nan_temperature.yaml": ("conditions.T", "finite number", 4),
    "celsius_temperature.yaml": ("conditions.T", "temperatures in K", 4),
    "unbalanced_sites.yaml": ("steps[2].equation", "sites do not balance", 21),
    "unbalanced_elements.yaml": ("steps[2].equation", "elements do not balance", 21),
    "unknown_species.yaml": ("steps[0].equation", "unknown species 'C0*'", 15),
    "duplicate_species.yaml": ("species.CO*", "duplicate key", 13),
    "duplicate_step.yaml": ("steps[3].equation", "duplicate of steps[0]", 24),
    "no_arrow.yaml": ("steps[0].equation", "exactly one arrow", 15),
    "negative_rate_constant.yaml": ("steps[0]", "'k_f' must be >= 0", 15),
    "infinite_rate_constant.yaml": ("steps[0].k_f", "finite number", 16),
    "text_rate_constant.yaml": ("steps[0].k_f", "expected a number", 16),
    "missing_pressure.yaml": ("conditions.pressures", "no partial pressure for gas species "
                              "['CO2']", 5),
    "pressure_unknown_gas.yaml": ("conditions.pressures.N2", "unknown gas 'N2'", 5),
    "bad_pressure_unit.yaml": ("conditions.pressures.CO", "unit of pressure", 5),
    "negative_pressure.yaml": ("conditions.pressures.CO", "pressure >= 0", 5),
    "wrong_schema_version.yaml": ("catscale", "unsupported schema version 7", 1),
    "misspelled_section.yaml": ("stpes", "unknown section", 14),
    "two_rate_routes.yaml": ("steps[0]", "give only one of", 15),
    "unknown_step_key.yaml": ("steps[0].kf", "unknown key", 16),
    "sticking_out_of_range.yaml": ("steps[0]", "sticking must lie in (0, 1]", 15),
    "sticking_without_energies.yaml": ("steps[0]", "needs the energy of", 15),
    "negative_frequency.yaml": ("species.CO*.frequencies", "must be real and > 0", 12),
    "two_imaginary_modes.yaml": ("steps[2].ts.frequencies", "at most one imaginary mode", 22),
    "gas_missing_rotational_data.yaml": ("species.CO", "rotational_temperatures", 9),
    "wrong_number_of_modes.yaml": ("species.CO.frequencies", "has 1 vibrational modes", 9),
    "energy_wrong_unit.yaml": ("species.CO*.energy", "unit of energy", 12),
    "nan_energy.yaml": ("species.CO*.energy", "finite number", 12),
    "negative_site_density.yaml": ("sites.*.density", "site_density > 0", 7),
    "undeclared_site.yaml": ("steps[2].equation", "unknown species 'CO*s'", 21),
    "irreversible_with_k_r.yaml": ("steps[0].k_r", "irreversible step", 17),
    "reversible_without_k_r.yaml": ("steps[2]", "detailed balance needs the energy", 21),
    "lateral_unknown_species.yaml": ("lateral.CO*-N*", "two declared adsorbates", 24),
    # the step is written reversible (<=>) in the file
    "bep_unknown_step.yaml": ("kmc.bep.CO* + O* -> CO2 + 2*", "no step with this equation",
                              24),
    # the kmc section against the mechanism (before: found only when kMC ran, no line)
    "kmc_lattice_kinds.yaml": ("kmc.lattice", "fcc111 has the site kinds", 24),
    "kmc_interaction_unknown_species.yaml": ("kmc.interactions[0].pair",
                                             "two adsorbates of the mechanism", 24),
    # a 1e5 x 1e5 lattice (1e10 sites) ran out of memory in the kMC build (issue 20 item 10:
    # the model file has the bound of --size, catscale.quantities.MAX_LATTICE_SIZE)
    "kmc_huge_lattice.yaml": ("kmc.size", "two integers in [3, 1024]", 24),
    # 1e12 samples validated and then ended in "internal error (MemoryError)", 24 TiB at
    # once (catscale.quantities.MAX_SAMPLES, the bound of --samples)
    "uq_huge_samples.yaml": ("uncertainty.samples", "less than or equal to 1000000", 25),
    # 1e12 batch-means blocks validated, then "internal error (MemoryError)"
    "kmc_huge_blocks.yaml": ("kmc.blocks", "less than or equal to 10000", 24),
    # 1e9 coverages: "internal error (MemoryError)" building the list
    "diffusion_huge_coverage_count.yaml": ("diffusion.coverages", "a count in [1, 1000]", 26),
    "diffusion_negative_seed.yaml": ("diffusion.seed", "greater than or equal to 0", 26),
    "yaml_syntax_error.yaml": ("(yaml)", "not valid YAML", 18),
    "not_a_mapping.yaml": ("(top level)", "expected a mapping of sections", None),
    "missing_conditions.yaml": ("(top level)", "missing section 'conditions'", None),
    "mole_fractions_not_summing.yaml": ("conditions", "must sum to 1", 3),
    # issue 20 item 9: physically absurd values, named by field (T range [1 mK, 1e5 K],
    # |E| <= 1e9 eV: catscale.quantities.TEMPERATURE_RANGE, MAX_ABS_ENERGY_EV)
    "huge_temperature.yaml": ("conditions.T", "temperature in [0.001, 100000] K", 4),
    "tiny_temperature.yaml": ("conditions.T", "temperature in [0.001, 100000] K", 4),
    "huge_energy.yaml": ("species.CO*.energy", "|energy| <= 1e+09 eV", 12),
    "huge_saddle_energy.yaml": ("steps[2].ts.energy", "|energy| <= 1e+09 eV", 20),
    # what rates/steady refused and validate accepted before (catscale.model._consistency)
    "saddle_energy_overflow.yaml": ("steps[2]", "Boltzmann factor exp(-E / kB T) overflows",
                                    19),
    "empty_rotational_temperatures.yaml": ("species.CO.rotational_temperatures",
                                           "expected 1 value (a linear molecule) or 3", 9),
    "gas_without_pressure.yaml": ("conditions.pressures", "no partial pressure for gas "
                                  "species ['N2']", 5),
    "only_version.yaml": ("steps", "nothing to compute", None),
    "missing_microstructure_image.yaml": ("microstructure.image", "file not found", 13),
}


def test_corpus_is_complete():
    files = {p.name for p in DATA.glob("*.yaml")} - {"_base_valid.yaml", "many_errors.yaml"}
    assert files == set(EXPECTED)
    assert len(files) >= 20


def test_base_is_valid():
    # the corpus is built by one-line edits of this file, so each error is that edit's
    assert validate_file(DATA / "_base_valid.yaml") == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_model_message(name):
    field, text, line = EXPECTED[name]
    errors = validate_file(DATA / name)
    assert errors, f"{name} was accepted"
    first = errors[0]
    assert first.field == field, [e.format() for e in errors]
    assert text in first.message, first.message
    assert first.line == line
    assert first.file.endswith(name)


def test_all_errors_collected():
    errors = validate_file(DATA / "many_errors.yaml")
    fields = [e.field for e in errors]
    assert "conditions.T" in fields                      # T <= 0
    assert "species.CO*.energy" in fields                # NaN
    assert "species.O*.frequencies" in fields            # imaginary mode on a minimum
    assert "steps[1].equation" in fields                 # O2 + * <=> 2O*: sites unbalanced
    assert "steps[2].sticking" in fields                 # sticking on a surface reaction
    assert len(errors) >= 5


def test_load_raises_with_every_error():
    with pytest.raises(ModelFileErrors) as info:
        load_model(DATA / "many_errors.yaml")
    assert len(info.value.errors) >= 5
    assert str(info.value).count("many_errors.yaml:") >= 5


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "catscale.cli.main", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", ["unbalanced_sites.yaml", "yaml_syntax_error.yaml",
                                  "negative_temperature.yaml"])
def test_cli_validate_exit_2_no_traceback(name):
    r = _cli("validate", str(DATA / name))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    field, text, _ = EXPECTED[name]
    assert field in r.stderr and text in r.stderr


def test_cli_validate_missing_file():
    r = _cli("validate", "/nonexistent/model.yaml")
    assert r.returncode == 2 and "file not found" in r.stderr and "Traceback" not in r.stderr


def test_cli_rates_bad_input_exit_2():
    r = _cli("rates", str(DATA / "unknown_species.yaml"), "--json")
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr


def test_kmc_section_against_the_mechanism(tmp_path):
    # every species the kmc section names must be one of the mechanism's surface species,
    # and the lattice must carry its site kinds: all reported at once, with file and field
    base = (DATA / "_base_valid.yaml").read_text()
    f = tmp_path / "m.yaml"
    f.write_text(base + 'kmc: {lattice: square, clusters: [{species: [CO*, Q*], sites: '
                 '[[0, 0, 0], [0, 1, 0]], energy: 0.1}], diffusion: {Z*: 1.0}, '
                 'initial: {Y*: 0.2, O*: 0.1}}\n')
    errors = {e.field: e.message for e in validate_file(f)}
    assert set(errors) == {"kmc.clusters[0].species", "kmc.diffusion.Z*", "kmc.initial.Y*"}
    assert "['Q*'] not surface species" in errors["kmc.clusters[0].species"]
    two = base.replace('sites:\n  "*": {density: 1.5e19 m^-2}',
                       'sites:\n  "*": {density: 1.5e19 m^-2}\n  "s": {density: 1e19 m^-2}')
    f.write_text(two + "kmc: {lattice: hexagonal}\n")
    (err,) = validate_file(f)
    assert err.field == "kmc.lattice" and "one site kind" in err.message
    f.write_text(two + 'kmc: {lattice: custom, unit_cell: {vectors: [[1, 0], [0, 1]], '
                 'sites: [{kind: "*", position: [0, 0]}]}}\n')
    (err,) = validate_file(f)
    assert err.field == "kmc.unit_cell.sites" and "['s']" in err.message
