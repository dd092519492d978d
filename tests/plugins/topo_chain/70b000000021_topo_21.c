/* 70b000000021_topo_21.c - revision 21 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000021", "70b000000020", "topo 21");
TOPO_BODY(21)
