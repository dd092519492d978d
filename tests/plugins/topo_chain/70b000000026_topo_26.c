/* 70b000000026_topo_26.c - revision 26 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000026", "70b000000025", "topo 26");
TOPO_BODY(26)
