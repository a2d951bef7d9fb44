# bench/bench.mk — benchmark programs built by `make` (never run by it).
# bench_train: soap_bpnn training epochs vs the PyTorch reference, run with
# bench/train_step/run.sh.  It times library calls through the GNU linker's
# --wrap (bench/train_step/bench_wrap.c), so it needs GNU ld (Linux).
noinst_PROGRAMS += bench/train_step/bench_train
bench_train_step_bench_train_SOURCES = bench/train_step/bench_train.c \
  bench/train_step/bench_wrap.c bench/train_step/bench_wrap.h
bench_train_step_bench_train_LDADD = libmttcore.la
bench_train_step_bench_train_LDFLAGS = \
  -Wl,--wrap=mtt_blas_gemm \
  -Wl,--wrap=mtt_mlp_forward -Wl,--wrap=mtt_mlp_input_gradient -Wl,--wrap=mtt_mlp_backward \
  -Wl,--wrap=mtt_mlp_forward_f32 -Wl,--wrap=mtt_mlp_input_gradient_f32 \
  -Wl,--wrap=mtt_mlp_backward_f32 \
  -Wl,--wrap=mtt_soap_forces -Wl,--wrap=mtt_soap_tangent_strain \
  -Wl,--wrap=mtt_soap_forces_f32 -Wl,--wrap=mtt_soap_tangent_strain_f32 \
  -Wl,--wrap=mtt_mlp_forward_rows -Wl,--wrap=mtt_mlp_forward_rows_f32 \
  -Wl,--wrap=mtt_mlp_backward_set -Wl,--wrap=mtt_mlp_backward_set_f32 \
  -Wl,--wrap=mtt_soap_forces_rows -Wl,--wrap=mtt_soap_tangent_strain_rows
EXTRA_DIST += bench/train_step/run.sh bench/soap/run.sh bench/progress/run.sh bench/restart/run.sh
# bench_libmtt: libmtt energy + forces per atom (bench/libmtt/run.sh)
noinst_PROGRAMS += bench/libmtt/bench_libmtt
bench_libmtt_bench_libmtt_SOURCES = bench/libmtt/bench_libmtt.c
bench_libmtt_bench_libmtt_LDADD = libmttcore.la
EXTRA_DIST += bench/libmtt/run.sh
# bench_ckpt: checkpoint write/read against dd, run with bench/checkpoint/run.sh.
noinst_PROGRAMS += bench/checkpoint/bench_ckpt
bench_checkpoint_bench_ckpt_SOURCES = bench/checkpoint/bench_ckpt.c
bench_checkpoint_bench_ckpt_LDADD = libmttcore.la
EXTRA_DIST += bench/checkpoint/run.sh bench/precision/run.sh
# bench_md: MD force calls through libmtt; bench/md/run.sh compares LAMMPS via KIM.
noinst_PROGRAMS += bench/md/bench_md
bench_md_bench_md_SOURCES = bench/md/bench_md.c
bench_md_bench_md_LDADD = libmtt.la
EXTRA_DIST += bench/md/run.sh
# bench_allreduce: the step's collectives vs message size (bench/allreduce/run.sh);
# an MPI library benchmark, so only in the MPI build.
if HAVE_MPI
noinst_PROGRAMS += bench/allreduce/bench_allreduce
bench_allreduce_bench_allreduce_SOURCES = bench/allreduce/bench_allreduce.c
endif
EXTRA_DIST += bench/allreduce/run.sh
EXTRA_DIST += bench/scaling/run.sh bench/scaling/make_alloy.py bench/scaling/step_vs_batch.sh \
  bench/scaling/model.py bench/memory/run.sh
EXTRA_DIST += bench/reference/periodic.sh bench/reference/cache_estimate.py
