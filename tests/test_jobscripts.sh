#!/bin/sh
# test_jobscripts.sh — jobscripts/slurm/mtt-train.sbatch under stand-in
# sbatch/srun/scontrol (tests/jobscripts/fake-slurm) that give each job a few
# seconds of wall time: SIGUSR1 LEAD seconds before the end, SIGKILL at the
# end (TAP).  Requeue chain and afterany-dependency chain both end with exit 0
# and the uninterrupted run's model; a failing mtt and the attempt limit stop
# the chain.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/restart/common.sh"
tap_init jobscripts
fake="$top_srcdir/tests/jobscripts/fake-slurm"
sbatch_src="$top_srcdir/jobscripts/slurm/mtt-train.sbatch"

if ! have_h5py || ! command -v bash >/dev/null || ! command -v setsid >/dev/null; then
    ok "# SKIP job-script tests need python3-h5py, bash and setsid"
    tap_done; exit 0
fi
epochs=12
restart_case reference $epochs
ref=$case_dir
train 1

# chain_case NAME: a folder with the options and the job script (lead 2 s)
chain_case() {
    restart_case "$1" $epochs
    sed 's/^#SBATCH --signal=B:USR1@300/#SBATCH --signal=B:USR1@2/' "$sbatch_src" > "$case_dir/mtt-train.sbatch"
    export FAKE_SLURM_DIR="$case_dir/slurm"
}
run_chain() {
    (cd "$case_dir" && PATH="$fake:$PATH" MTT="$MTT" FAKE_SLURM_TIME=5 MTT_TEST_STEP_DELAY_MS=60 \
        timeout 600 sh "$fake/sbatch" mtt-train.sbatch >submit.out 2>&1)
}

for chain in requeue dependency; do
    chain_case "$chain"
    MTT_CHAIN=$chain run_chain
    jobs=$(wc -l < "$FAKE_SLURM_DIR/jobs.log")
    last=$(tail -1 "$FAKE_SLURM_DIR/jobs.log")
    if [ "$jobs" -ge 2 ] && echo "$last" | grep -q "exit 0$" && [ -f "$case_dir/model.ckpt" ] &&
       same_state "$ref/model.ckpt" "$case_dir/model.ckpt" >"$work/diff" 2>&1 &&
       grep -q "forwarding SIGUSR1" "$FAKE_SLURM_DIR"/job-*.out; then
        ok "$chain chain: $jobs jobs killed at their limit, ends with exit 0 and the uninterrupted run's model"
    else
        not_ok "$chain chain" "$jobs jobs, last: $last" "$(head -2 "$work/diff" 2>/dev/null)"
    fi
done

chain_case giveup
MTT_CHAIN=requeue MTT_MAX_ATTEMPTS=1 run_chain
if [ "$(wc -l < "$FAKE_SLURM_DIR/jobs.log")" -eq 1 ] && grep -q "exit 1$" "$FAKE_SLURM_DIR/jobs.log" &&
   grep -q "giving up after 1 attempts" "$FAKE_SLURM_DIR"/job-*.out; then
    ok "MTT_MAX_ATTEMPTS=1: the chain gives up after one job, which fails"
else
    not_ok "attempt limit" "$(cat "$FAKE_SLURM_DIR/jobs.log")"
fi

chain_case broken
sed -i 's/num_epochs: /num_epoch: /' "$case_dir/options.yaml"
MTT_CHAIN=requeue run_chain
if [ "$(wc -l < "$FAKE_SLURM_DIR/jobs.log")" -eq 1 ] && grep -q "exit 2$" "$FAKE_SLURM_DIR/jobs.log" &&
   grep -q "not resubmitting" "$FAKE_SLURM_DIR"/job-*.out; then
    ok "an options error (exit 2) stops the chain at once"
else
    not_ok "failing mtt" "$(cat "$FAKE_SLURM_DIR/jobs.log")"
fi
tap_done
