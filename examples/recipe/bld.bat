@echo off
rem Build goshim with the build env's go, then write every shell's hooks
rem into %PREFIX%, named after the package.
set "GOBIN=%SRC_DIR%\.goshim-bin"
set "GOFLAGS=-modcacherw"
go install github.com/goshim/goshim/cmd/goshim@latest
if errorlevel 1 exit 1
"%GOBIN%\goshim.exe" install -p "%PREFIX%" --package "%PKG_NAME%" --policy "%RECIPE_DIR%\goshim.toml"
if errorlevel 1 exit 1
