/* 70b000000005_topo_05.c - revision 5 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000005", "70b000000004", "topo 5");
TOPO_BODY(5)
