# src/train/optim.mk — numerical pieces of the trainer (Adam, schedule, loss)
# and the energy baseline and scale of the model; none of them sees MPI.
libmttcore_la_SOURCES += src/train/adam.c src/train/adam.h \
	src/train/schedule.c src/train/schedule.h \
	src/train/loss.c src/train/loss.h \
	src/model/composition.c src/model/composition.h \
	src/model/scale.c src/model/scale.h

check_PROGRAMS += tests/test_adam tests/test_schedule tests/test_loss tests/test_composition
TESTS += tests/test_adam tests/test_schedule tests/test_loss tests/test_composition
tests_test_adam_SOURCES = tests/test_adam.c
tests_test_adam_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_adam_LDADD = $(TEST_LINK_LIBS)
tests_test_schedule_SOURCES = tests/test_schedule.c
tests_test_schedule_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_schedule_LDADD = $(TEST_LINK_LIBS)
tests_test_loss_SOURCES = tests/test_loss.c
tests_test_loss_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_loss_LDADD = $(TEST_LINK_LIBS)
tests_test_composition_SOURCES = tests/test_composition.c
tests_test_composition_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_composition_LDADD = $(TEST_LINK_LIBS)
