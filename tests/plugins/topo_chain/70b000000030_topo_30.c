/* 70b000000030_topo_30.c - revision 30 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000030", "70b000000029", "topo 30");
TOPO_BODY(30)
