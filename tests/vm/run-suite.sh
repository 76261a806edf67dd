#!/bin/sh
# run-suite.sh SUITE [ARGS...]: runs an autotest SUITE inside the VM (from
# the build directory) and copies its log and per-test directories to
# $VM_RESULTS, because everything else the guest writes is lost when it
# powers off.
#
# When tests fail, it prints where each one failed, so that a CI log that
# keeps only the end of the output still says why.  With RECHECK=yes it
# then runs the failed tests again, once, as OVS's "make check
# RECHECK=yes" does; a test that passes then is reported by name.
suite=$1
shift
name=$(basename "$suite")
dir=tests/$name.dir

# summarize: for each failed test, its title and the check that failed
# with what it printed (the lines of the log from that check on, before
# the captured daemon logs).
summarize() {
    for log in "$dir"/[0-9]*/"$name".log; do
        [ -f "$log" ] || continue
        at=$(sed -n 's/.*: FAILED (\(.*\))$/\1/p' "$log" | tail -1)
        echo "--- FAILED $(grep -m1 '^[0-9]*\. .*: testing ' "$log")"
        [ -n "$at" ] || continue
        awk -v at="./$at:" '
            index($0, at) == 1 { found = 1 }
            found && /^[a-z0-9_.-]*\.log:$/ { exit }
            found && n < 30 { print "    " $0; n++ }' "$log"
    done
}

save() {
    if [ -n "$VM_RESULTS" ]; then
        rm -rf "$VM_RESULTS/$name.dir$1"
        cp tests/"$name".log "$VM_RESULTS/$name$1.log" 2>/dev/null
        cp -r "$dir" "$VM_RESULTS/$name.dir$1" 2>/dev/null
    fi
}

/bin/sh "$suite" "$@"
status=$?
save ""
if [ $status != 0 ]; then
    echo "## failures of $name"
    summarize
    failed=$(ls -d "$dir"/[0-9]* 2>/dev/null | sed 's,.*/,,' |
             sed 's/^0*//' | tr '\n' ' ' | sed 's/ $//')
    if [ "$RECHECK" = yes ] && [ -n "$failed" ]; then
        echo "## RECHECK=yes: running $failed again"
        # Only the failed tests: drop the test numbers of the first run.
        for arg; do
            shift
            case $arg in
                [0-9]*) ;;
                *) set -- "$@" "$arg" ;;
            esac
        done
        /bin/sh "$suite" "$@" $failed
        status=$?
        save ".recheck"
        if [ $status = 0 ]; then
            echo "## $name: $failed failed, then passed on recheck"
        else
            echo "## failures of $name on recheck"
            summarize
        fi
    fi
fi
exit $status
