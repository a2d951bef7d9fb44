/* ethanol_frame.h — the molecule the SOAP unit tests share: frame 0 of
 * examples/ethanol/ethanol_reduced_100.xyz (Å; atoms H H H H H H C C O), as
 * an initializer:  static const double ethanol_pos[27] = MTT_TEST_ETHANOL_POS; */
#ifndef MTT_TESTS_ETHANOL_FRAME_H
#define MTT_TESTS_ETHANOL_FRAME_H

#define MTT_TEST_ETHANOL_POS                                                                 \
    {0.16712676,  -1.19985031, 0.84958249,  -0.93496191, -0.92263607, -0.68150202,           \
     -1.75179348, 0.29946017,  1.2842646,   -0.2072526,  1.35456114,  1.05486243,            \
     -1.47331516, 1.17441302,  -0.27787521, 1.05895494,  -0.40161254, -1.43156577,           \
     -0.17406277, -0.48797864, 0.0185579,   -0.98570278, 0.68695664,  0.58412528,            \
     1.06846394,  -0.16863939, -0.50269058}

#endif
