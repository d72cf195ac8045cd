from sofacast import console


def test_progress_bars_draw_on_a_terminal(monkeypatch, capsys):
    # CliRunner is never a terminal, so the bars are driven directly with the TTY check answered yes.
    monkeypatch.setattr(console, "interactive", lambda quiet: not quiet)
    with console.seconds_bar("Transcribing ep", quiet=False) as bar:
        bar.update(3.0, 11.0)
        bar.update(11.0, 11.0)
    with console.bytes_bar("Downloading", quiet=False) as bar:
        bar.update(1000, None, "ep")
        bar.update(2000, 2000)


def test_no_bars_when_quiet(monkeypatch, capsys):
    monkeypatch.setattr(console, "interactive", lambda quiet: not quiet)
    with console.seconds_bar("Transcribing ep", quiet=True) as bar:
        bar.update(3.0, 11.0)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
