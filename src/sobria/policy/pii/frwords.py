"""Common French words and name particles, so that client-name matching ignores ordinary words."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NAME_PARTICLES = _words("""
de du des la le les d l et y von van der den di da del dos mme m mr mlle monsieur madame dr me sarl
sas sasu sa eurl sci snc scop scp selarl gie ei eirl cie co and the inc ltd llc gmbh fils freres
associes
""")
"""Tokens dropped from a client's name before matching (particles, civilities, legal forms)."""

COMMON_WORDS = _words("""
a au aux avec avant apres aussi autre autres avoir ainsi alors année annee annees années août aout
avril bien bon bonne bonjour bureau budget cadre car ce ceci cela celle celui ces cet cette chaque
chez ci client clients comme comment commande compte contrat contre coût cout cours dans date demain
demande depuis dernier dernière derniere deux devis doit donc dont dossier droit elle elles en
encore entre entreprise envoi equipe équipe est et été ete etre être euros faire fait faut fin fois
france grand grande groupe heure heures hier ici il ils jamais janvier juin juillet jour jours juste
la le les leur leurs lui lundi mardi mercredi jeudi vendredi samedi dimanche mai mais mars merci mes
mois moins mon nous notre nos nouveau nouvelle novembre octobre offre ont ou où par parce pas
pendant peu peut plus pour pourquoi premier première prix projet puis quand que quel quelle qui
rapport réunion reunion rien sans se selon septembre service ses seul si sien son sont sous suite
sur tant temps toujours tous tout toute toutes très tres trois une un vers voici voilà vos votre
vous février fevrier décembre decembre facture factures paiement livraison montant total travail
semaine prochaine prochain réponse reponse madame monsieur cordialement bureau agence direction
marché marche marchés ventes vente achat achats conseil conseils accord point points sujet document
documents fichier fichiers message messages courriel mail réseau reseau client fournisseur
fournisseurs partenaire partenaires collaborateur collaborateurs salarié salaries salariés matin
soir midi après-midi semaine quinzaine trimestre semestre exercice bilan résultat resultat résultats
chiffre affaires stratégie strategie objectif objectifs plan planning calendrier orange total
bouygues free sncf poste banque crédit credit agricole société societe générale generale caisse
mutuel mutuelle assurance assurances maison jardin ville paris lyon marseille toulouse nantes lille
bordeaux rennes nice strasbourg montpellier grenoble europe monde nord sud est ouest centre nouvelle
aquitaine bretagne normandie provence alpes rhône rhone loire occitanie martin bernard thomas petit
robert richard durand dubois moreau laurent simon michel lefebvre leroy roux david bertrand morel
fournier girard bonnet dupont lambert fontaine rousseau vincent blanc guerin muller henry roussel
nicolas perrin morin mathieu clement gauthier dumont lopez accueil action actions activité activite
actualité adresse adresses agenda aide ajoute ajouter annexe annonce annuel annuelle appel appelle
appeler application après article assistance atelier attention attestation avenant avenue avis
bancaire banque base besoin bilan boulevard brouillon cabinet calcul campagne candidat capital carte
catalogue chantier charge charte chef chemin choix clôture cloture code collègue collegue comité
comite commentaire commercial commerciale communication compte comptabilité comptabilite conditions
confirmation confirme congés conges consultant contact contrôle controle copie correction courrier
critère critere décision decision délai delai demandes département departement dépense depense
dépenses depenses description détail detail développement developpement directeur directrice données
donnees écris ecris écrire ecrire édition edition effectif email emails émission emission emissions
émissions employé employe enquête enquete ensuite envoie envoyer erreur espace essai état etat étude
etude évaluation evaluation événement evenement exemple expert export facturation fiche figure
filiale finance financier fonction formation formulaire fournir gestion guide heureux horaire
horaires hôtel hotel important impression incident indicateur information informations intervention
introduction inventaire juridique lettre liste logiciel madame mairie manager marketing matériel
materiel mention méthode methode mise mission modèle modele modification note notes numéro numero
objet observation opération operation ordre organisation outil outils page paiements parc partage
participant participants période periode personnel personne planning plateforme police politique
poste postes pratique précision precision présentation presentation président president prestation
prestations prépare prepare prévision prevision priorité priorite problème probleme procédure
procedure production produit produits professionnel profil programme proposition question questions
rappel rappelle rédige redige réception reception recherche référence reference références
references région region règlement reglement relance relations remarque rendez rendu réponds reponds
reprise réseau résume resume retour révision revision risque risques rubrique rue salle salon santé
sante secteur sécurité securite séminaire seminaire serveur services session signature site
situation social sociale solde solution solutions souhaite statut stock suivez suivi support
synthèse synthese système systeme tableau tarif tarifs tâche tache technique téléphone telephone
texte ticket titre traitement transfert travaux trimestriel urgent utilisateur utilisateurs valeur
validation vérifie verifie version veuillez virement visite voir volume rencontre bonjour bonsoir
salut cher chère chere chers madame messieurs objectif objectifs ordre jour république republique
siren siret tva iban nir rcs rgpd cse dsi pme eti tpe kbis urssaf insee
""")
"""Words common enough in French business prose that a one-typo match on them means nothing.

Also the most frequent French surnames: 'Dupont' in a text is not a typo of a client 'Dupond'.
"""
