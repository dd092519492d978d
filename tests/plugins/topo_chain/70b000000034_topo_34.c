/* 70b000000034_topo_34.c - revision 34 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000034", "70b000000033", "topo 34");
TOPO_BODY(34)
