/* 70b000000045_topo_45.c - revision 45 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000045", "70b000000044", "topo 45");
TOPO_BODY(45)
