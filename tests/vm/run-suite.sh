#!/bin/sh
# run-suite.sh SUITE [ARGS...]: runs an autotest SUITE inside the VM (from
# the build directory) and copies its log and per-test directories to
# $VM_RESULTS, because everything else the guest writes is lost when it
# powers off.
suite=$1
shift
/bin/sh "$suite" "$@"
status=$?
name=$(basename "$suite")
if [ -n "$VM_RESULTS" ]; then
    cp tests/"$name".log "$VM_RESULTS"/ 2>/dev/null
    cp -r tests/"$name".dir "$VM_RESULTS"/ 2>/dev/null
fi
exit $status
