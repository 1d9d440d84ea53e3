"""Configuration: the file, then environment variables; the GUI's edits keep the rest of the file."""

from reelscope.library.config import load_settings, save_user_choices


def test_environment_overrides_the_file(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('data_dir = "/from/file"\n[providers.twelvelabs]\napi_key = "file-key"\nindex_id = "i1"\n')
    env = {
        "REELSCOPE_CONFIG": str(config),
        "REELSCOPE_TWELVELABS_API_KEY": "env-key",
        "REELSCOPE_DATA_DIR": "/env/data",
    }
    settings = load_settings(env)
    assert settings.data_dir == "/env/data"
    assert settings.providers["twelvelabs"].api_key == "env-key"
    assert settings.providers["twelvelabs"].index_id == "i1"


def test_api_keys_do_not_appear_in_reprs(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[providers.eluvio]\napi_key = "s3cret-token"\n')
    settings = load_settings({"REELSCOPE_CONFIG": str(config)})
    assert "s3cret-token" not in repr(settings) and "s3cret-token" not in str(settings)


def test_saving_gui_choices_keeps_other_tables(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[providers.twelvelabs]\napi_key = "k"\n')
    save_user_choices(config, data_dir=str(tmp_path / "d"), local_workers=1)
    settings = load_settings({"REELSCOPE_CONFIG": str(config)})
    assert settings.data_dir == str(tmp_path / "d") and settings.local_workers == 1
    assert settings.providers["twelvelabs"].api_key == "k"


def test_invalid_toml_is_a_clear_error(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("data_dir = [unclosed\n")
    try:
        load_settings({"REELSCOPE_CONFIG": str(config)})
    except ValueError as error:
        assert str(config) in str(error) and "TOML" in str(error)
    else:
        raise AssertionError("invalid TOML was accepted")


def test_local_engine_stages_and_music_folder_from_the_file_and_the_environment(tmp_path):
    from reelscope.domain.settings import LocalEngineSettings
    from reelscope.library.config import save_local_engine

    config = tmp_path / "config.toml"
    config.write_text('[local]\nworkers = 1\nocr = false\nmusic_dir = "~/Music"\n')
    settings = load_settings({"REELSCOPE_CONFIG": str(config)})
    assert (settings.local.ocr, settings.local.faces, settings.local.music, settings.local.sections) == (
        False, True, True, True)
    assert settings.local.music_dir.endswith("/Music") and "~" not in settings.local.music_dir
    from_env = load_settings({"REELSCOPE_CONFIG": str(config), "REELSCOPE_MUSIC_DIR": "/songs"})
    assert from_env.local.music_dir == "/songs"

    save_local_engine(config, LocalEngineSettings(faces=False, music_dir=None))
    saved = load_settings({"REELSCOPE_CONFIG": str(config)})
    assert (saved.local.ocr, saved.local.faces, saved.local.music_dir, saved.local_workers) == (True, False, None, 1)


def test_a_stage_switch_that_is_not_true_or_false_is_a_clear_error(tmp_path):
    import pytest

    config = tmp_path / "config.toml"
    config.write_text('[local]\nfaces = "yes"\n')
    with pytest.raises(ValueError, match=r"\[local\] faces must be true or false"):
        load_settings({"REELSCOPE_CONFIG": str(config)})
