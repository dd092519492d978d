/* 70b000000035_topo_35.c - revision 35 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000035", "70b000000034", "topo 35");
TOPO_BODY(35)
