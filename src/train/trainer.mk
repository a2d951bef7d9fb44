# src/train/trainer.mk — the training loop of `mtt train` (descriptor cache,
# batches, step, epochs, evaluation, report) and its tests.
libmttcore_la_SOURCES += \
  src/train/feature_cache.c src/train/feature_cache.h \
  src/train/evaluate.c src/train/evaluate.h \
  src/train/trainer.c src/train/trainer.h src/train/trainer_internal.h \
  src/train/trainer_batch.c src/train/trainer_batch.h \
  src/train/trainer_fit.c src/train/trainer_prepare.c \
  src/train/trainer_plan.c src/train/trainer_reduce.c \
  src/train/trainer_step.c src/train/trainer_loop.c src/train/trainer_report.c \
  src/train/trainer_state.c src/train/trainer_checkpoint.c src/train/trainer_export.c \
  src/train/stop.c src/train/stop.h \
  src/train/restart_find.c src/train/restart_find.h \
  src/train/trainer_replicas.c src/train/trainer_floats.c

check_PROGRAMS += tests/test_trainer_cache
TESTS += tests/test_trainer_cache
tests_test_trainer_cache_SOURCES = tests/test_trainer_cache.c
tests_test_trainer_cache_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_trainer_cache_LDADD = $(TEST_LINK_LIBS)

# mtt train end to end: accuracy and reproducibility on ethanol, energy-only
# QM9, errors and warnings raised during training
TESTS += tests/test_train_ethanol.sh tests/test_train_qm9.sh tests/test_train_errors.sh

# the step's gradient vs finite differences; the empty batch on 2 ranks
check_PROGRAMS += tests/test_trainer_step
TESTS += tests/test_trainer_step.sh
tests_test_trainer_step_SOURCES = tests/test_trainer_step.c
tests_test_trainer_step_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_trainer_step_LDADD = $(TEST_LINK_LIBS)

# an epoch's batches: a partition, balanced by atoms, reproducible
check_PROGRAMS += tests/test_trainer_plan
TESTS += tests/test_trainer_plan
tests_test_trainer_plan_SOURCES = tests/test_trainer_plan.c
tests_test_trainer_plan_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_trainer_plan_LDADD = $(TEST_LINK_LIBS)

# the cross-rank parameter checksum catches a perturbed rank (mpiexec -n 2)
TESTS += tests/test_train_replicas.sh

# 2 collective calls per step on 2 ranks; a failure on one rank stops all
TESTS += tests/test_train_sync.sh

# the step's gradient on 1-4 ranks = one process's (mpiexec -n 1..4)
check_PROGRAMS += tests/test_trainer_ranks
TESTS += tests/test_trainer_ranks.sh
tests_test_trainer_ranks_SOURCES = tests/test_trainer_ranks.c
tests_test_trainer_ranks_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_trainer_ranks_LDADD = $(TEST_LINK_LIBS)
