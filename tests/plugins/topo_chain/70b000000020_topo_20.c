/* 70b000000020_topo_20.c - revision 20 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000020", "70b000000019", "topo 20");
TOPO_BODY(20)
