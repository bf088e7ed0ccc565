package e2e

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// isTcsh reports whether the csh at bin is tcsh ($tcsh is set only there).
func isTcsh(bin string) bool {
	out, err := exec.Command(bin, "-f", "-c", "if ( $?tcsh ) echo tcsh").Output()
	return err == nil && strings.TrimSpace(string(out)) == "tcsh"
}

// locateCshAsTcsh finds the csh row's executable: csh on PATH when it is
// tcsh; else tcsh started under the name csh, through a symlink, which is
// what Debian's tcsh csh alternative (`update-alternatives --set csh
// /bin/tcsh`) gives. Debian's default csh, BSD csh, is not a candidate: see
// TestBSDCshCannotRunCondaActivation.
func locateCshAsTcsh(t testing.TB, row *shellRow) string {
	t.Helper()
	if p, err := exec.LookPath("csh"); err == nil && isTcsh(p) {
		return p
	}
	tcsh, err := exec.LookPath("tcsh")
	if err != nil {
		skipOrFail(t, row.name+": no csh that is tcsh, and no tcsh to start as csh", row.name)
	}
	link := filepath.Join(h.tmp, "csh-is-tcsh", "csh")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	// rows run in parallel: whoever comes second finds the link made
	if err := os.Symlink(tcsh, link); err != nil && !errors.Is(err, fs.ErrExist) {
		t.Fatal(err)
	}
	return link
}

// bsdCsh finds BSD csh (Debian's bsd-csh, or a csh on PATH that is not tcsh).
func bsdCsh(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("bsd-csh"); err == nil {
		return p
	}
	if p, err := exec.LookPath("csh"); err == nil && !isTcsh(p) {
		return p
	}
	skipOrFail(t, "bsd-csh: no BSD csh here (Debian: apt-get install csh)", "bsd-csh")
	return ""
}

// TestBSDCshCannotRunCondaActivation is why the e2e table has no BSD csh row.
// conda's etc/profile.d/conda.csh (and micromamba 1.x's micromamba.csh)
// define `alias conda source ".../conda.csh"` and then read the alias's
// arguments as $1/$argv inside the sourced file. BSD csh's `source` takes
// no arguments, so `conda activate ENV` stops with "source: Too many
// arguments." before conda runs and before any activate.d script. The same
// script in tcsh is the control. If this test fails, BSD csh has learned
// `source file args`: give it an e2e row.
func TestBSDCshCannotRunCondaActivation(t *testing.T) {
	bsd := bsdCsh(t)
	dir := t.TempDir()
	profile := filepath.Join(dir, "conda.csh")
	// conda.csh's structure, reduced to what decides the outcome: the alias
	// and the switch on the alias's first argument.
	body := `if ( "` + "`alias conda`" + `" == "" ) then
    alias conda source "` + profile + `"
else
    switch ( "${1}" )
        case "activate":
            setenv GOSHIM_E2E_ACTIVATED "${2}"
            breaksw
        default:
            breaksw
    endsw
endif
`
	if err := os.WriteFile(profile, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "login.csh")
	if err := os.WriteFile(script, []byte(`source "`+profile+`"
conda activate myenv
/usr/bin/env
`), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(bin string) (string, error) {
		return command(30*time.Second, dir, []string{"PATH=/usr/bin:/bin", "HOME=" + dir}, bin, "-f", script)
	}

	out, err := run(bsd)
	if err == nil || !strings.Contains(out, "source: Too many arguments") || strings.Contains(out, "GOSHIM_E2E_ACTIVATED=") {
		t.Errorf("%s: want `conda activate` to stop with \"source: Too many arguments.\" before activating; got err=%v:\n%s", bsd, err, out)
	}

	tcsh, lerr := exec.LookPath("tcsh")
	if lerr != nil {
		skipOrFail(t, "tcsh: not installed, cannot run the control", "tcsh")
	}
	out, err = run(tcsh)
	if err != nil || !strings.Contains(out, "GOSHIM_E2E_ACTIVATED=myenv\n") {
		t.Errorf("control: tcsh should run conda.csh's activate branch; got err=%v:\n%s", err, out)
	}
}
