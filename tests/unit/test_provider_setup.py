"""Provider settings saved while the app runs: keys to the secret store, the rest to the config file, the
provider rebuilt in the mapping the queue reads; a region that is not open yet is refused with the reason."""

from __future__ import annotations

import tomllib

from reelscope.app import provider_factory
from reelscope.library.config import load_settings
from reelscope.library.secrets import FileSecrets
from reelscope.services.provider_setup import ProviderEdit, ProviderSetup

KEY = "sk-live-3b9d27aa10"


def setup_for(tmp_path, env=None):
    env = {"REELSCOPE_CONFIG": str(tmp_path / "config.toml"), "REELSCOPE_DATA_DIR": str(tmp_path / "data"),
           "REELSCOPE_SECRETS": "file", **(env or {})}
    secrets = FileSecrets(tmp_path / "secrets.json")
    providers: dict = {}
    unavailable: dict = {}
    setup = ProviderSetup(tmp_path / "config.toml", secrets, load_settings(env, secrets), providers, unavailable,
                          provider_factory(), env=env)
    return setup, providers, unavailable


def test_a_saved_key_goes_to_the_secret_store_and_the_provider_is_built_at_once(tmp_path, run_async):
    setup, providers, _ = setup_for(tmp_path)
    changed: list[str] = []
    setup.changed.connect(changed.append)

    async def scenario():
        choices = {"base_url": "http://127.0.0.1:9", "max_processing_time_s": 600}
        outcome = await setup.save(ProviderEdit("noxovision", choices, api_key=KEY))
        first = providers["noxovision"]
        again = await setup.save(ProviderEdit("noxovision", {"max_processing_time_s": 0}))
        await setup.aclose()
        return outcome, again, first

    outcome, again, first = run_async(scenario())
    assert outcome.applied and outcome.configured and "in use now" in outcome.message()
    assert again.applied and providers["noxovision"] is not first, "rebuilt with the new settings"
    assert providers["noxovision"].max_processing_time_s == 0 and first.max_processing_time_s == 600
    assert changed == ["noxovision", "noxovision"]
    text = (tmp_path / "config.toml").read_text(encoding="utf-8")
    assert KEY not in text and tomllib.loads(text)["providers"]["noxovision"]["base_url"] == "http://127.0.0.1:9"
    assert KEY in (tmp_path / "secrets.json").read_text(encoding="utf-8")


def test_a_region_not_open_yet_is_saved_but_not_used_and_says_why(tmp_path, run_async):
    setup, providers, unavailable = setup_for(tmp_path)
    outcome = run_async(setup.save(ProviderEdit("seeknetic", {"region": "oregon"}, api_key=KEY)))
    assert not outcome.applied and "seeknetic" not in providers
    assert "coming soon" in outcome.problem and "coming soon" in unavailable["seeknetic"]
    page = next(p for p in run_async(setup.pages()) if p.provider_id == "seeknetic")
    assert not page.in_use and page.key_stored and "coming soon" in page.problem
    assert [(r.id, r.available) for r in page.regions] == [("tokyo", True), ("oregon", False), ("beijing", False)]


def test_pages_name_the_environment_variables_that_win_and_never_hold_a_key(tmp_path, run_async):
    setup, _, _ = setup_for(tmp_path, {"REELSCOPE_SLIPSTREAM_API_KEY": KEY,
                                       "REELSCOPE_SLIPSTREAM_BASE_URL": "http://127.0.0.1:9"})
    pages = {page.provider_id: page for page in run_async(setup.pages())}
    slipstream = pages["slipstream"]
    assert slipstream.environment == {"base_url": "REELSCOPE_SLIPSTREAM_BASE_URL",
                                      "api_key": "REELSCOPE_SLIPSTREAM_API_KEY"}
    assert slipstream.settings.api_key is None and not slipstream.key_stored
    assert KEY not in repr(pages)
    assert not pages["twelvelabs"].can_test and pages["noxovision"].can_test
