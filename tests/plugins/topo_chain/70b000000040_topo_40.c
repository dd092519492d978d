/* 70b000000040_topo_40.c - revision 40 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000040", "70b000000039", "topo 40");
TOPO_BODY(40)
