# tests/local.mk — shared test support; each module's own tests are listed in
# its src/<module>/local.mk, the command-line tests here.
check_LTLIBRARIES += tests/libcunit_tap.la
tests_libcunit_tap_la_SOURCES = tests/cunit_tap.c tests/cunit_tap.h
tests_libcunit_tap_la_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_libcunit_tap_la_LIBADD = $(CUNIT_LIBS)
# A CUnit test program: prog_LDADD = $(TEST_LINK_LIBS), prog_CFLAGS = $(TEST_COMPILE_FLAGS)
TEST_LINK_LIBS = libmttcore.la tests/libcunit_tap.la $(CUNIT_LIBS)
TEST_COMPILE_FLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) -I$(top_srcdir)/tests

check_PROGRAMS += tests/test_shard
TESTS += tests/test_shard
tests_test_shard_SOURCES = tests/test_shard.c
tests_test_shard_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_shard_LDADD = $(TEST_LINK_LIBS)

# mtt train end to end: bad input of every kind, run folder, MPI agreement
TESTS += tests/test_cli_train.sh

# docs/options.md is generated from the schema table and checked
check_PROGRAMS += tests/test_options_doc
TESTS += tests/test_options_doc
tests_test_options_doc_SOURCES = tests/test_options_doc.c
tests_test_options_doc_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_options_doc_LDADD = $(TEST_LINK_LIBS)

# no allocation inside the training step (valgrind's allocation count)
TESTS += tests/test_train_noalloc.sh

# stress trained end to end on periodic data (EMT-labelled copper)
TESTS += tests/test_train_stress.sh

# base_precision: 32 end to end: checkpoint precision, exact restart, learning vs 64
TESTS += tests/test_train_f32.sh

# small cells as dense Jacobians: logged, and training equals the recomputed path
TESTS += tests/test_train_dense.sh

# configure's missing-package message, make install, pkg-config mtt
TESTS += tests/test_build.sh

# configure detects MPI through CC=mpicc (configure only, no make)
TESTS += tests/test_configure_mpi.sh

# a serial mtt refuses a multi-task launch; usage errors print once
TESTS += tests/test_launch.sh

# --progress on a pseudo-terminal and without one; train.log stays clean
TESTS += tests/test_progress_cli.sh
EXTRA_DIST += tests/progress_pty.py tests/test_progress_cli.sh

# checkpoints and restart end to end: exact resume, --restart auto, crash
# safety under SIGKILL, signals and time budgets, fine-tuning
TESTS += tests/test_restart_exact.sh tests/test_restart_auto.sh tests/test_restart_crash.sh \
  tests/test_restart_signals.sh tests/test_finetune.sh tests/test_jobscripts.sh
EXTRA_DIST += tests/restart tests/jobscripts jobscripts

# exported models in LAMMPS through the KIM driver (docs/md.md)
TESTS += tests/test_kim_lammps.sh
EXTRA_DIST += tests/kim_lammps.py
# the ASE calculator python/mtt_ase.py
TESTS += tests/test_ase.sh
EXTRA_DIST += tests/ase_check.py

# bench/scaling/model.py on inputs with known answers (numpy; SKIP without)
TESTS += tests/test_scaling_model.sh
